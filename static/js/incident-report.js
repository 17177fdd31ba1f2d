// The incident report form (incidents/report.html): the phone's clock on submit, and the
// phone's position on request. A static file: the Content-Security-Policy allows no inline script.
(function () {
  var form = document.querySelector("form[data-offline]");
  if (!form) return;
  var time = form.elements.device_time;
  function stamp() { if (time) time.value = new Date().toISOString(); }
  stamp(); form.addEventListener("submit", stamp, true);
  var button = document.getElementById("locate"), out = document.getElementById("location");
  if (!button || !out) return;
  if (!navigator.geolocation) { button.hidden = true; return; }
  button.addEventListener("click", function () {
    out.textContent = button.dataset.locating;
    navigator.geolocation.getCurrentPosition(function (p) {
      form.elements.latitude.value = p.coords.latitude.toFixed(6);
      form.elements.longitude.value = p.coords.longitude.toFixed(6);
      out.textContent = form.elements.latitude.value + ", " + form.elements.longitude.value;
    }, function () { out.textContent = button.dataset.failed; }, { enableHighAccuracy: true, timeout: 15000 });
  });
})();
