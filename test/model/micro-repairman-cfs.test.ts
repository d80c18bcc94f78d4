// Micro model vs M/M/P//n under CFS with the kernel defaults for the host's CPU count (cases and
// criterion in ./repairman-validation.ts; why CFS shares the FIFO closed form is explained there).
import { cfsDefaults } from '../../src/model/cpu/scheduler.js';
import { defineRepairmanValidation } from './repairman-validation.js';

defineRepairmanValidation('cfs', (pcpus) => cfsDefaults(pcpus), false);
