// What a person chooses for this page in this browser: the colour scheme (light, dark, or as the
// system says) and whether a finished download shows a notification (asked for, never assumed).
export type Theme = 'auto' | 'light' | 'dark'

const THEME_KEY = 'arkshare.theme'
const NOTIFY_KEY = 'arkshare.notify'

function stored (key: string): string | null {
  try {
    return localStorage.getItem(key)
  } catch {
    return null
  }
}

function store (key: string, value: string): void {
  try {
    localStorage.setItem(key, value)
  } catch {
    // a browser that keeps nothing still shows the choice until the page is closed
  }
}

export function savedTheme (): Theme {
  const t = stored(THEME_KEY)
  return t === 'light' || t === 'dark' ? t : 'auto'
}

export function applyTheme (theme: Theme): void {
  document.documentElement.dataset.theme = theme
  store(THEME_KEY, theme)
}

export function notificationsWanted (): boolean {
  return stored(NOTIFY_KEY) === 'on' && typeof Notification !== 'undefined' && Notification.permission === 'granted'
}

/** Asks the browser's permission (only from a click); true when notifications will show. */
export async function setNotifications (on: boolean): Promise<boolean> {
  if (!on || typeof Notification === 'undefined') {
    store(NOTIFY_KEY, 'off')
    return false
  }
  const permission = Notification.permission === 'granted' ? 'granted' : await Notification.requestPermission()
  store(NOTIFY_KEY, permission === 'granted' ? 'on' : 'off')
  return permission === 'granted'
}

export function notifyDone (title: string): void {
  if (!notificationsWanted()) return
  // the title is shown as text by the system
  const note = new Notification('Download finished', { body: title !== '' ? title : 'a book', tag: 'arkshare-download' })
  note.addEventListener('click', () => { focus() })
}
