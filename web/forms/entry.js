// The form renderer the intake page loads (web/js/pages/intake.js): ODK Web
// Forms (@getodk/web-forms, ODK's successor to Enketo: the same XForms, the
// engine that tests/odk checks our forms with) mounted with Vue, behind one
// function, so the page needs no framework. Bundled by web/forms/build.mjs.
// First: it must see the styles the renderer injects as it loads.
import { scopeNewStyles, kScopeClass } from './scope_styles.js';
import { createApp, h } from 'vue';
import { OdkWebForm, webFormsPlugin } from '@getodk/web-forms';
import { fillFromXml, setOne, formVersionOf } from './fill.js';

scopeNewStyles();

// OdkWebForm does not hand its form instance to the host. Its header
// component is given the instance's root node as the prop `form`; a global
// mixin sees that prop when the component is made (or given a new root),
// which is how the host gets the engine's root (@getodk/xforms-engine
// RootNode: its answers as XML, and setValue on every question).
function rootWatcher(onRoot) {
  let last = null;
  const see = (vm) => {
    const f = vm.$props && vm.$props.form;
    if (f && f.nodeType === 'root' && f !== last) {
      last = f;
      onRoot(f);
    }
  };
  return { created() { see(this); }, updated() { see(this); } };
}

// What the host may do with a loaded form.
function controller(root) {
  return {
    /** The instance as it stands, valid or not: the engine's XML. */
    xml: () => root.instanceState.instanceXML,
    /**
     * Puts the answers of `xml` (an instance of this form, maybe of an older
     * version) into the form; resolves to the paths of non-empty answers
     * that no longer fit it.
     */
    fill: (xml) => fillFromXml(root, xml),
    /** Sets one question by its path (e.g. "/data/about"); false when absent. */
    set: (ref, value) => setOne(root, ref, value),
  };
}

/**
 * Renders the XForm `formXml` into `el`. hooks.onSubmit(payload) is called
 * with the engine's monolithic payload (payload.data[0] is a FormData
 * holding xml_submission_file and the attachments) when the form is valid
 * and sent; it resolves when the host has kept it. hooks.onReady(form) is
 * called once the form is loaded, with {xml(), fill(xml), set(ref, value)}.
 * Returns a function that unmounts.
 */
export function mountForm(el, formXml, hooks) {
  const app = createApp({
    render: () => h(OdkWebForm, {
      formXml,
      fetchFormAttachment: () => Promise.resolve(new Response('', { status: 404 })),
      missingResourceBehavior: 'BLANK',
      onSubmit: async (payload, callback) => {
        try {
          await hooks.onSubmit(payload);
          if (callback) callback({ status: 'success' });
        } catch (e) {
          if (callback) callback({ status: 'failure', message: e.message || String(e) });
        }
      },
    }),
  });
  el.classList.add(kScopeClass);
  app.use(webFormsPlugin);
  app.mixin(rootWatcher((root) => hooks.onReady && hooks.onReady(controller(root))));
  app.mount(el);
  return () => app.unmount();
}

export { formVersionOf };
