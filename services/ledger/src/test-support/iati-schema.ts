import { readFileSync } from 'node:fs';
import { validateXML } from 'xmllint-wasm';

// The official IATI 2.03 schemas, kept unchanged in services/ledger/schemas; the activities schema includes
// iati-common.xsd and imports xml.xsd by relative name, so both are preloaded under those names.
const schemaFolder = new URL('../../schemas/iati-2.03/', import.meta.url);
const read = (name: string) => ({
  fileName: name,
  contents: readFileSync(new URL(name, schemaFolder), 'utf8'),
});

/** Validates an IATI activities document against the official 2.03 schema; returns xmllint's error messages. */
export async function iatiSchemaErrors(xml: string): Promise<string[]> {
  const result = await validateXML({
    xml: [{ fileName: 'activities.xml', contents: xml }],
    schema: [read('iati-activities-schema.xsd')],
    preload: [read('iati-common.xsd'), read('xml.xsd')],
  });
  return result.errors.map((error) => error.rawMessage);
}
