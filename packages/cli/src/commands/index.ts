import type { Command } from '../command.js';
import { deleteCommand } from './delete.js';
import { doctorCommand } from './doctor.js';
import { importCommand } from './import.js';
import { keysCommand } from './keys.js';
import { listCommand } from './list.js';
import { migrateCommand } from './migrate.js';
import { revokeCommand } from './revoke.js';
import { showCommand } from './show.js';

export const COMMANDS: readonly Command[] = [listCommand, showCommand, deleteCommand, revokeCommand, migrateCommand, importCommand, keysCommand, doctorCommand];
