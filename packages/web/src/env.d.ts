/** Types for what Vite provides to the app: CSS side-effect imports and import.meta.env. */
/// <reference types="vite/client" />
