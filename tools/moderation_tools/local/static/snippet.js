// The snippet to copy names this server's own origin, whatever port it runs on.
document.getElementById("snippet").textContent =
  '<div data-comments data-post-id="my-post-slug"></div>\n' +
  '<script src="' + location.origin + '/embed.js" async></script>';
