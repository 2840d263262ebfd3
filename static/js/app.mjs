// Start GOV.UK Frontend's components, then the page's own small enhancements.
import { initAll } from '../govuk/govuk-frontend.min.js'

initAll()

// Questions with `data-show-if-*` depend on an earlier answer in the same section. The server
// already hides those that do not apply; this shows and hides them as the earlier answer changes.
function currentValues (form, name) {
  return Array.from(form.querySelectorAll(`[name="${name}"]`))
    .filter((input) => (input.type === 'radio' || input.type === 'checkbox') ? input.checked : true)
    .map((input) => input.value.trim())
    .filter((value) => value !== '')
}

function conditionHolds (element, form) {
  const values = currentValues(form, element.dataset.showIfField)
  const wanted = (element.dataset.showIfValues || '').split('|')
  switch (element.dataset.showIfMode) {
    case 'answered': return values.length > 0
    case 'unanswered': return values.length === 0
    case 'includes': return wanted.some((value) => values.includes(value))
    default: return values.length > 0 && wanted.includes(values[0])
  }
}

for (const form of document.querySelectorAll('form')) {
  const dependants = form.querySelectorAll('[data-show-if-field]')
  if (dependants.length === 0) continue
  const refresh = () => {
    for (const element of dependants) element.hidden = !conditionHolds(element, form)
  }
  form.addEventListener('change', refresh)
  form.addEventListener('input', refresh)
}
