// A job's progress page (alliances/job.html): poll the job's status until it is done or failed, then
// offer the file or show the error. A static file, so the content security policy holds.
(function () {
  var box = document.querySelector("[data-job-status-url]");
  if (!box) return;
  var url = box.getAttribute("data-job-status-url");
  function part(name) { return box.querySelector("[data-testid=" + name + "]"); }
  function show(job) {
    box.setAttribute("data-status", job.status);
    part("job-status").textContent = job.status_label;
    part("job-message").textContent = job.message;
    part("job-progress").value = job.progress;
    part("job-percent").textContent = job.progress + "%";
    part("job-error").textContent = job.error;
    part("job-error").hidden = !job.error;
    if (job.file) {
      part("job-file").href = job.file;
      part("job-file").hidden = false;
    }
    return job.status === "done" || job.status === "failed";
  }
  function poll() {
    fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (job) { if (job && !show(job)) window.setTimeout(poll, 1000); })
      .catch(function () { window.setTimeout(poll, 3000); });
  }
  var status = box.getAttribute("data-status");
  if (status !== "done" && status !== "failed") poll();
})();
