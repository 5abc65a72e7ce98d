// Mingze's own small behaviours. No inline scripts anywhere (a strict CSP is the goal).
document.addEventListener("DOMContentLoaded", () => {
  // Confirm buttons that carry data-confirm, e.g. before a destructive action.
  document.body.addEventListener("click", (event) => {
    const button = event.target.closest("[data-confirm]");
    if (button && !window.confirm(button.dataset.confirm)) {
      event.preventDefault();
    }
  });
});
