// Small behaviours, kept out of the pages so the Content-Security-Policy can forbid inline scripts.
document.addEventListener("submit", (event) => {
  const message = event.target.dataset.confirm;
  if (message && !window.confirm(message)) {
    event.preventDefault();
  }
});
