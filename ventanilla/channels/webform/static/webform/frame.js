// Tells the page that embeds the form how tall it is (no other data).
(function () {
  var key = document.documentElement.getAttribute("data-form");
  function report() {
    if (window.parent === window) return;
    window.parent.postMessage(
      { ventanillaForm: key, height: document.documentElement.scrollHeight }, "*");
  }
  window.addEventListener("load", report);
  window.addEventListener("resize", report);
})();
