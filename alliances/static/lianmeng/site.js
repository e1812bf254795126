// Small behaviours shared by every page; no inline handlers, so the content security policy holds.
document.addEventListener("change", function (event) {
  var el = event.target;
  if (el.matches("[data-autosubmit]")) el.form.submit();
  if (el.matches("[data-navigate]") && el.value) window.location = el.value;
});
document.addEventListener("click", function (event) {
  if (event.target.closest("[data-print]")) window.print();
});
