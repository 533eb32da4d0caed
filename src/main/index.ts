// Electron's entry (package.json "main"): the shell lives in src/main/electron/.
import './electron/main';
