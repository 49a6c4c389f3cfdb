// The framework's script for the admin's pages (a file, so a Content-Security-Policy of
// script-src 'self' allows it): the CSRF token goes with sqladmin's own requests, actions are
// POSTed forms rather than links, and flash messages are shown.
(function () {
  "use strict";
  var meta = document.querySelector('meta[name="csrf-token"]');
  var token = meta.content;
  var header = meta.dataset.header;
  var field = meta.dataset.field;

  // Rows are deleted with jQuery's $.ajax and CSV files imported with fetch.
  window.jQuery.ajaxSetup({ headers: { [header]: token } });
  var nativeFetch = window.fetch;
  window.fetch = function (input, init) {
    init = init || {};
    var method = (init.method || "GET").toUpperCase();
    if (["GET", "HEAD", "OPTIONS"].indexOf(method) === -1) {
      init.headers = new Headers(init.headers || {});
      init.headers.set(header, token);
    }
    return nativeFetch(input, init);
  };

  function postAction(url) {
    var pks = [];
    document.querySelectorAll(".select-box:checked").forEach(function (box) {
      pks.push(box.parentElement.querySelector("input[type=hidden]").value);
    });
    var form = document.createElement("form");
    form.method = "POST";
    form.action = url;
    [[field, token], ["pks", pks.join(",")]].forEach(function (pair) {
      var input = document.createElement("input");
      input.type = "hidden";
      input.name = pair[0];
      input.value = pair[1];
      form.appendChild(input);
    });
    document.body.appendChild(form);
    form.submit();
  }
  // Actions change data: never a GET link (sqladmin's script navigates; this replaces it).
  window.jQuery("[id^='action-custom-']").off("click").on("click", function (event) {
    event.preventDefault();
    postAction(this.getAttribute("data-url"));
  });

  document.querySelectorAll(".admin-toast").forEach(function (element) {
    new window.tabler.bootstrap.Toast(element, { delay: 4000 }).show();
  });
})();
