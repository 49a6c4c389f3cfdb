// The live page: a WebSocket echo and a Server-Sent Events counter, in plain JavaScript.
// A static file rather than an inline script, so the page works under a Content-Security-
// Policy that only runs scripts from this server.
"use strict";

function startEcho(section) {
  const url = new URL(section.dataset.url, window.location.href);
  url.protocol = url.protocol === "https:" ? "wss:" : "ws:";
  const status = section.querySelector(".status");
  const form = section.querySelector("form");
  const input = form.querySelector("input");
  const button = form.querySelector("button");
  const messages = section.querySelector(".messages");
  const socket = new WebSocket(url);

  socket.addEventListener("open", () => {
    status.textContent = "Connected.";
    button.disabled = false;
  });
  socket.addEventListener("close", () => {
    status.textContent = "Disconnected: reload the page to connect again.";
    button.disabled = true;
  });
  socket.addEventListener("message", (event) => {
    const item = document.createElement("li");
    item.textContent = event.data;  // text, never HTML
    messages.append(item);
  });
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    socket.send(input.value);
    input.value = "";
  });
}

function startCounter(section) {
  const status = section.querySelector(".status");
  const output = section.querySelector("output");
  const button = section.querySelector("button");

  button.addEventListener("click", () => {
    button.disabled = true;
    status.textContent = "Counting…";
    const source = new EventSource(section.dataset.url);
    source.addEventListener("tick", (event) => {
      output.textContent = JSON.parse(event.data).n;
    });
    // The stream ends after "done"; closing here stops the browser from reconnecting.
    source.addEventListener("done", () => {
      source.close();
      status.textContent = "Done.";
      button.disabled = false;
    });
    source.addEventListener("error", () => {
      source.close();
      status.textContent = "The stream failed.";
      button.disabled = false;
    });
  });
}

document.addEventListener("DOMContentLoaded", () => {
  startEcho(document.getElementById("echo"));
  startCounter(document.getElementById("counter"));
});
