/** Svelte compiler options for the dashboard (defaults: runes, external CSS). */
export default {};
