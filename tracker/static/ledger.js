// Ledger page: show only the fields of the chosen period; print view: the Print button.
document.addEventListener("DOMContentLoaded", () => {
  const printButton = document.getElementById("print-ledger");
  if (printButton) {
    printButton.addEventListener("click", () => window.print());
  }
  const period = document.getElementById("period");
  if (!period) {
    return;
  }
  const show = () => {
    document.querySelectorAll("#ledger-choice [class*='period-']").forEach((el) => {
      el.hidden = !el.classList.contains("period-" + period.value);
    });
  };
  period.addEventListener("change", show);
  show();
});
