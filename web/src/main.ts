/**
 * Dashboard entry: mounts the Svelte 5 app into #app.
 */
import { mount } from 'svelte';
import App from './App.svelte';
import './app.css';

const target = document.getElementById('app');
if (target === null) throw new Error('#app missing');
export default mount(App, { target });
