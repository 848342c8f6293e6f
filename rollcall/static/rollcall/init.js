// Start GOV.UK Frontend's components (error summary focus, radios, service navigation...).
import { initAll } from "../govuk/govuk-frontend.min.js";
initAll();
