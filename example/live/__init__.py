"""Real time in the browser: a WebSocket echo and a Server-Sent Events counter."""
