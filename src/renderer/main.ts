// The workbench page: theme first (no flash of the wrong colours), then the app.
import { mount } from 'svelte';
import './styles/app.css';
import App from './App.svelte';
import { theme } from './lib/theme.svelte';

theme.apply();
mount(App, { target: document.getElementById('app')! });
