// The workbench page: theme first (no flash of the wrong colours), then the app.
import { mount } from 'svelte';
import './styles/app.css';
import App from './App.svelte';
import { connectBackend } from './lib/backend';
import { theme } from './lib/theme.svelte';
import { createShell, createTransport } from './lib/transport';

connectBackend(createTransport(), createShell());
theme.apply();
mount(App, { target: document.getElementById('app')! });
