import { countryCodeSchema } from '@aid/contracts';
import type { Express, Request, Response } from 'express';
import { MultipartFormRefused, readMultipartForm, type UploadedFile } from '../../http/multipart-form.ts';
import { pageOf } from '../../locale.ts';
import {
  applyFields,
  applyForgedPage,
  applyFormPage,
  applySentPage,
  emptyApplyValues,
  type ApplyField,
  type ApplyFormState,
  type ApplyValues,
} from '../../pages/apply-pages.ts';
import type { PageContext } from '../../pages/page-context.ts';
import type { ConsoleApis, ConsoleDeps } from '../console-app.ts';
import { sendPage } from '../console-kit.ts';
import { ConsoleServiceProblem } from '../service-api.ts';

/** The campaign service's limits for documents: larger or more are refused here before anything is sent on. */
const documentLimitBytes = 10 * 1024 * 1024;
const documentsMax = 5;
const kinds = ['diaspora-association', 'ngo', 'local-partner', 'foundation', 'government'];
const emailPattern = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/** The service names fields by their path in its JSON body; the form has one input for each. */
const fieldOfService: Record<string, ApplyField> = {
  name: 'name',
  country: 'country',
  kind: 'kind',
  registrationNumber: 'registrationNumber',
  website: 'website',
  about: 'about',
  'contact.name': 'contactName',
  'contact.email': 'contactEmail',
};

function valuesOf(fields: Record<string, string>): ApplyValues {
  const values = { ...emptyApplyValues };
  for (const field of applyFields) if (field !== 'documents') values[field] = (fields[field] ?? '').trim();
  values.country = values.country.toUpperCase();
  return values;
}

/** What the form says before anything is sent: the service checks again, and has the last word. */
function check(page: PageContext, values: ApplyValues, documents: UploadedFile[]): ApplyFormState['errors'] {
  const { t } = page;
  const errors: ApplyFormState['errors'] = {};
  for (const field of ['name', 'registrationNumber', 'about', 'contactName', 'contactEmail'] as const)
    if (values[field] === '') errors[field] = t('web.apply.required');
  if (!countryCodeSchema.safeParse(values.country).success) errors.country = t('web.apply.invalidCountry');
  if (!kinds.includes(values.kind)) errors.kind = t('web.apply.required');
  if (values.contactEmail !== '' && !emailPattern.test(values.contactEmail))
    errors.contactEmail = t('web.apply.invalidEmail');
  if (values.website !== '' && !/^https?:\/\/[^\s]+\.[^\s]+$/i.test(values.website))
    errors.website = t('web.apply.invalidWebsite');
  if (documents.length > documentsMax) errors.documents = t('web.apply.tooManyDocuments');
  return errors;
}

export function registerApplyRoutes(app: Express, deps: ConsoleDeps & { apis: ConsoleApis }): void {
  const { forms, apis } = deps;
  const render = (
    request: Request,
    response: Response,
    status: number,
    state: Omit<ApplyFormState, 'csrfToken'>,
  ) =>
    sendPage(
      response,
      status,
      applyFormPage(pageOf(response), { ...state, csrfToken: forms.token(request, response) }),
    );

  app.get('/apply', (request, response) => {
    render(request, response, 200, { values: emptyApplyValues, errors: {} });
  });

  app.get('/apply/sent', (request, response) => {
    const count = (name: string) => {
      const value = request.query[name];
      return Math.min(
        documentsMax,
        Math.max(0, typeof value === 'string' ? Number.parseInt(value, 10) || 0 : 0),
      );
    };
    sendPage(
      response,
      200,
      applySentPage(pageOf(response), { documents: count('documents'), refused: count('refused') }),
    );
  });

  app.post('/apply', async (request, response) => {
    const page = pageOf(response);
    const { t } = page;
    let form;
    try {
      form = await readMultipartForm(request, {
        fileBytes: documentLimitBytes,
        files: documentsMax + 1,
        fields: 12,
      });
    } catch (error) {
      if (
        error instanceof MultipartFormRefused &&
        (error.reason === 'too-large' || error.reason === 'too-many-files')
      ) {
        return render(request, response, 413, {
          values: emptyApplyValues,
          errors: {
            documents:
              error.reason === 'too-large' ? t('web.apply.tooLarge') : t('web.apply.tooManyDocuments'),
          },
        });
      }
      throw error;
    }
    if (!forms.accepts(request, form.fields['csrf'])) return sendPage(response, 403, applyForgedPage(page));
    const values = valuesOf(form.fields);
    const documents = form.files.filter((file) => file.field === 'documents' && file.bytes.length > 0);
    const errors = check(page, values, documents);
    if (Object.keys(errors).length > 0) return render(request, response, 400, { values, errors });

    let submitted: { id: string; applicantToken: string };
    try {
      submitted = await apis.campaign(null, '/v1/organization-applications', {
        clientAddress: request.ip,
        json: {
          name: values.name,
          country: values.country,
          kind: values.kind,
          registrationNumber: values.registrationNumber,
          ...(values.website ? { website: values.website } : {}),
          about: values.about,
          contact: { name: values.contactName, email: values.contactEmail },
        },
      });
    } catch (error) {
      if (!(error instanceof ConsoleServiceProblem)) throw error;
      const field = error.field ? fieldOfService[error.field] : undefined;
      return render(
        request,
        response,
        error.status,
        field
          ? { values, errors: { [field]: error.detail } }
          : { values, errors: {}, problem: t('web.apply.problem', { detail: error.detail }) },
      );
    }
    // The application exists from here on: a refused document is said on the confirmation, not by losing the rest.
    let received = 0;
    for (const document of documents) {
      try {
        await apis.campaign(
          { token: submitted.applicantToken },
          `/v1/organization-applications/${submitted.id}/documents?name=${encodeURIComponent(document.filename.slice(0, 200) || 'document')}`,
          {
            bytes: { body: document.bytes, contentType: 'application/octet-stream' },
            clientAddress: request.ip,
          },
        );
        received += 1;
      } catch (error) {
        if (!(error instanceof ConsoleServiceProblem)) throw error;
      }
    }
    response.redirect(303, `/apply/sent?documents=${received}&refused=${documents.length - received}`);
  });
}
