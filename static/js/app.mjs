// Start GOV.UK Frontend's components (buttons, error summary focus, service navigation toggle).
import { initAll } from '../govuk/govuk-frontend.min.js'

initAll()
