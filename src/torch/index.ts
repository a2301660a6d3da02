export { libtorchVersion, libtorchSource } from './native.js';
