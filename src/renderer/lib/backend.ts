// The page's one connection to the core, created once.
import type { Transport } from '../../shared/api';
import { createTransport } from './transport';

export const backend: Transport = createTransport();
