// Start GOV.UK Frontend's components (error summary focus, radios, service navigation...).
import { initAll } from "../govuk/govuk-frontend.min.js";
initAll();

// "Print this page" links: a script file, not an inline handler, so the Content-Security-Policy
// can refuse every inline script.
for (const link of document.querySelectorAll("[data-app-print]")) {
  link.addEventListener("click", (event) => {
    event.preventDefault();
    window.print();
  });
}
