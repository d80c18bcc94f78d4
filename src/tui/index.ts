/**
 * The terminal UI's public surface. The CLI imports this module dynamically, so plain report runs
 * never load ink or React.
 */
export { startUi, type StartOptions } from './start.js';
