// Evidence uploads: show progress while a file goes up (htmx reports it), and stop a file
// that is over the limit before it is sent, which matters on a phone's slow connection.
document.addEventListener("DOMContentLoaded", () => {
  const formOf = (event) => event.target.closest && event.target.closest("form.mz-upload");

  document.body.addEventListener("change", (event) => {
    const input = event.target;
    if (input.type !== "file" || !input.closest("form.mz-upload")) return;
    const form = input.closest("form.mz-upload");
    const limit = Number(input.dataset.maxBytes || 0);
    const tooBig = Boolean(limit && input.files.length && input.files[0].size > limit);
    form.querySelector(".mz-upload-too-big").hidden = !tooBig;
    form.querySelector("button[type=submit]").disabled = tooBig;
  });

  document.body.addEventListener("htmx:beforeRequest", (event) => {
    const form = formOf(event);
    if (!form) return;
    form.querySelector(".mz-upload-progress").hidden = false;
    form.querySelector("button[type=submit]").disabled = true;
  });

  document.body.addEventListener("htmx:xhr:progress", (event) => {
    const form = formOf(event);
    if (!form || !event.detail.lengthComputable) return;
    const percent = Math.round((100 * event.detail.loaded) / event.detail.total);
    form.querySelector("progress").value = percent;
    form.querySelector(".mz-upload-percent").textContent = percent + "%";
  });

  document.body.addEventListener("htmx:afterRequest", (event) => {
    const form = formOf(event);
    if (!form || !document.body.contains(form)) return;
    form.querySelector(".mz-upload-progress").hidden = true;
    form.querySelector("button[type=submit]").disabled = false;
  });
});
