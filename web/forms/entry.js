// The form renderer the intake page loads (web/js/pages/intake.js): ODK Web
// Forms (@getodk/web-forms, ODK's successor to Enketo: the same XForms, the
// engine that tests/odk checks our forms with) mounted with Vue, behind one
// function, so the page needs no framework. Bundled by web/forms/build.mjs.
import { createApp, h } from 'vue';
import { OdkWebForm, webFormsPlugin } from '@getodk/web-forms';

/**
 * Renders the XForm `formXml` into `el`. onSubmit(payload) is called with
 * the engine's monolithic payload (payload.data[0] is a FormData holding
 * xml_submission_file and the attachments) when the form is valid and sent;
 * it resolves when the host has kept it. Returns a function that unmounts.
 */
export function mountForm(el, formXml, onSubmit) {
  const app = createApp({
    render: () => h(OdkWebForm, {
      formXml,
      fetchFormAttachment: () => Promise.resolve(new Response('', { status: 404 })),
      missingResourceBehavior: 'BLANK',
      onSubmit: async (payload, callback) => {
        try {
          await onSubmit(payload);
          if (callback) callback({ status: 'success' });
        } catch (e) {
          if (callback) callback({ status: 'failure', message: e.message || String(e) });
        }
      },
    }),
  });
  app.use(webFormsPlugin);
  app.mount(el);
  return () => app.unmount();
}
