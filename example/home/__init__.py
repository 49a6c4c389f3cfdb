"""The demo's front page and the layout every demo page extends."""
