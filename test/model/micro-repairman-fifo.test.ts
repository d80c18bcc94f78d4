// Micro model vs M/M/P//n under the FIFO scheduler (cases and criterion in ./repairman-validation.ts).
import { fifoScheduler } from '../../src/model/cpu/scheduler.js';
import { defineRepairmanValidation } from './repairman-validation.js';

defineRepairmanValidation('fifo', () => fifoScheduler(), true);
