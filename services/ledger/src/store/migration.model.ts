import { Schema, type Connection } from 'mongoose';

/** A start-up migration that has run to its end in this database (it is then skipped). */
export interface MigrationDocument {
  _id: string;
  doneAt: Date;
}

const schema = new Schema<MigrationDocument>(
  { _id: { type: String, required: true }, doneAt: { type: Date, required: true } },
  { versionKey: false },
);

export function migrationModel(db: Connection) {
  return db.model<MigrationDocument>('Migration', schema, 'migrations');
}
