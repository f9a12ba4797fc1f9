// The room's hands panel (webinars/templates/webinars/room/_hands.html); see room.js for the page's contract.
