// The room's video panel (webinars/templates/webinars/room/_video.html); see room.js for the page's contract.
