document.getElementById("js").textContent = "JavaScript ran: app.js was served.";
