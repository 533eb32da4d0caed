// Light or dark: the system's preference until the user picks one, then the
// pick (kept in localStorage). Applied as <html data-theme>, read by app.css.
type ThemeName = 'light' | 'dark';

const KEY = 'lockstep.theme';

function stored(): ThemeName | null {
  try {
    const v = localStorage.getItem(KEY);
    return v === 'light' || v === 'dark' ? v : null;
  } catch {
    return null;
  }
}

class Theme {
  private readonly media = window.matchMedia('(prefers-color-scheme: dark)');
  private system = $state<ThemeName>(this.media.matches ? 'dark' : 'light');
  private chosen = $state<ThemeName | null>(stored());

  readonly current: ThemeName = $derived(this.chosen ?? this.system);

  constructor() {
    this.media.addEventListener('change', (e) => {
      this.system = e.matches ? 'dark' : 'light';
      this.apply();
    });
  }

  apply(): void {
    document.documentElement.dataset.theme = this.current;
  }

  toggle(): void {
    this.chosen = this.current === 'dark' ? 'light' : 'dark';
    try {
      localStorage.setItem(KEY, this.chosen);
    } catch {
      // Private windows may refuse storage: the choice then lasts this page.
    }
    this.apply();
  }
}

export const theme = new Theme();
