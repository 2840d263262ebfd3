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

// A file the worker is still preparing: ask again every few seconds (HEAD, so nothing is
// downloaded twice) and start the download once it is ready. The page says so in a status region,
// and its "Check again" link does the same by hand without JavaScript. A <meta> refresh would
// reload the page on a timer the reader cannot stop or extend (WCAG 2.2.1).
for (const waiting of document.querySelectorAll('[data-module="dpia-wait-for-file"]')) {
  const url = waiting.dataset.fileUrl
  const status = waiting.querySelector('[role="status"]')
  const every = 3000
  const giveUpAfter = 10 * 60 * 1000
  const started = Date.now()
  const check = async () => {
    let response
    try {
      response = await fetch(url, { method: 'HEAD', credentials: 'same-origin', cache: 'no-store' })
    } catch {
      response = null
    }
    if (response && response.status === 200) {
      status.textContent = 'Your file is ready. The download starts now.'
      window.location.assign(url)
      return
    }
    if (response && response.headers.get('X-Export-Status') === 'failed') {
      window.location.reload()
      return
    }
    if (Date.now() - started > giveUpAfter) {
      status.textContent = 'This is taking longer than usual. Use "Check again" to look later.'
      return
    }
    window.setTimeout(check, every)
  }
  status.textContent = 'Checking every few seconds.'
  window.setTimeout(check, every)
}
