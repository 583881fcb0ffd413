import mongoose, { type Connection, type Model } from 'mongoose';

/** An organization's own rules as this service applies them, projected from `organization-settings-changed`. */
export interface OrganizationSettingsDocument {
  _id: string;
  approvalsAboveThreshold: number;
  changedAt: Date;
}

const schema = new mongoose.Schema<OrganizationSettingsDocument>(
  {
    _id: { type: String, required: true },
    approvalsAboveThreshold: { type: Number, required: true },
    changedAt: { type: Date, required: true },
  },
  { versionKey: false, collection: 'organization_settings' },
);

export function organizationSettingsModel(connection: Connection): Model<OrganizationSettingsDocument> {
  return (
    (connection.models['OrganizationSettings'] as Model<OrganizationSettingsDocument> | undefined) ??
    connection.model<OrganizationSettingsDocument>('OrganizationSettings', schema)
  );
}
