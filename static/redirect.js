// Hands the sign-in response in this page's URL to the editor that started it (MSAL.js v5's
// redirect bridge, from @azure/msal-browser's own UMD build, which defines `msalRedirectBridge`).
// On failure the page says so; the response itself is never shown or logged.
(function () {
  var status = document.getElementById("status");
  function fail(what) {
    status.textContent = "Sign-in could not be completed (" + what + "). Close this window and " +
      "try again from the editor.";
  }
  if (typeof msalRedirectBridge === "undefined") {
    fail("msal-redirect-bridge.min.js did not load");
    return;
  }
  msalRedirectBridge.broadcastResponseToMainFrame().catch(function (e) {
    fail((e && e.errorCode) || "no sign-in response in this page's address");
  });
})();
