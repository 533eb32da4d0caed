// Electron shell entry (the workbench window arrives with issue 4).
export {};
