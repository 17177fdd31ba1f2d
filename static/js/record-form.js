// The organizational-life record form (orglife/record_form.html): the phone's own clock,
// kept beside the server's receipt time (a record made offline). A static file: the
// Content-Security-Policy allows no inline script.
(function () {
  var field = document.querySelector('input[name="device_time"]');
  if (!field) return;
  function pad(n) { return String(Math.floor(Math.abs(n))).padStart(2, "0"); }
  function stamp() {
    var now = new Date(), offset = -now.getTimezoneOffset(), sign = offset >= 0 ? "+" : "-";
    field.value = now.getFullYear() + "-" + pad(now.getMonth() + 1) + "-" + pad(now.getDate()) + "T" +
      pad(now.getHours()) + ":" + pad(now.getMinutes()) + ":" + pad(now.getSeconds()) +
      sign + pad(offset / 60) + ":" + pad(offset % 60);
  }
  stamp();
  field.form.addEventListener("submit", stamp);
})();
