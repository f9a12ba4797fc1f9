// The room's qa panel (webinars/templates/webinars/room/_qa.html); see room.js for the page's contract.
