// The room's polls panel (webinars/templates/webinars/room/_polls.html); see room.js for the page's contract.
