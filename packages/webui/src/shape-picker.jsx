// locust-ts: a "Load shape" section in locust-ui's start form (initial form and the "New test"
// dialog). locust-ui gives the form no extension point, but reads every named input inside it on
// submit; so this section is rendered into the form through a portal and carries the spec in a
// hidden `shape` input, which `POST /swarm` runs instead of user count and ramp up.
import { useEffect, useState } from 'react';
import { createPortal } from 'react-dom';
import { Provider } from 'react-redux';
import { Box, TextField, ThemeProvider, Typography } from '@mui/material';
import { locustStore, useCreateTheme } from 'locust-ui';
import { SHAPE_FORMS, shapeSpec } from './shape-specs.js';

const MOUNT_ATTRIBUTE = 'data-locust-ts-shape';
let mountCount = 0;

/** The start forms on the page (the edit form of a running test has no host field: not that one). */
function startForms() {
  return [...document.querySelectorAll('form')].filter((f) => f.querySelector('input[name="userCount"]') && f.querySelector('input[name="host"]'));
}

/** A mount point at the top of the form's field column, created once per form. */
function mountPoint(form) {
  let mount = form.querySelector(`[${MOUNT_ATTRIBUTE}]`);
  if (!mount) {
    mount = document.createElement('div');
    mount.setAttribute(MOUNT_ATTRIBUTE, String(++mountCount));
    const column = form.firstElementChild ?? form;
    column.insertBefore(mount, column.firstChild);
  }
  return mount;
}

function ShapeFields() {
  const [kind, setKind] = useState('');
  const [values, setValues] = useState({});
  const [unit, setUnit] = useState('users');
  const [rate, setRate] = useState('');
  const form = SHAPE_FORMS[kind];
  const current = form ? Object.fromEntries(form.fields.map(([key, , fallback]) => [key, values[`${kind}.${key}`] ?? fallback])) : {};
  const spec = form ? shapeSpec(kind, current, unit, rate) : '';
  const native = { select: { native: true }, inputLabel: { shrink: true } };
  return (
    <Box sx={{ display: 'flex', flexDirection: 'column', rowGap: 2 }}>
      <TextField select label="Load shape" value={kind} onChange={(e) => setKind(e.target.value)} slotProps={{ ...native, htmlInput: { id: 'locust-ts-shape-kind' } }}>
        <option value="">None: the users and ramp up below</option>
        {Object.entries(SHAPE_FORMS).map(([key, { title }]) => (
          <option key={key} value={key}>
            {title}
          </option>
        ))}
      </TextField>
      {form && (
        <>
          <Box sx={{ display: 'flex', flexWrap: 'wrap', gap: 2 }}>
            {form.fields.map(([key, label]) => (
              <TextField
                key={`${kind}.${key}`}
                label={label}
                value={current[key]}
                onChange={(e) => setValues({ ...values, [`${kind}.${key}`]: e.target.value })}
                slotProps={{ htmlInput: { id: `locust-ts-shape-${key}` } }}
                sx={{ flex: kind === 'stages' ? '1 1 100%' : '1 1 140px' }}
              />
            ))}
            <TextField select label="Unit" value={unit} onChange={(e) => setUnit(e.target.value)} slotProps={{ ...native, htmlInput: { id: 'locust-ts-shape-unit' } }} sx={{ flex: '1 1 140px' }}>
              <option value="users">users</option>
              <option value="rps">iterations/s (arrival rate)</option>
            </TextField>
            <TextField
              label="Spawn rate (empty: instant)"
              value={rate}
              disabled={unit === 'rps'}
              onChange={(e) => setRate(e.target.value)}
              slotProps={{ htmlInput: { id: 'locust-ts-shape-rate' } }}
              sx={{ flex: '1 1 140px' }}
            />
          </Box>
          <Typography variant="body2" color="text.secondary">
            --shape <code id="locust-ts-shape-spec">{spec}</code> (users and ramp up below are ignored; run time still caps it)
          </Typography>
        </>
      )}
      <input type="hidden" name="shape" value={spec} />
    </Box>
  );
}

function Themed({ children }) {
  return <ThemeProvider theme={useCreateTheme()}>{children}</ThemeProvider>;
}

/** Keeps a shape section in every start form on the page (forms come and go with the dialogs). */
export function ShapePicker() {
  const [mounts, setMounts] = useState([]);
  useEffect(() => {
    const update = () => {
      const next = startForms().map(mountPoint);
      setMounts((prev) => (prev.length === next.length && prev.every((m, i) => m === next[i]) ? prev : next));
    };
    const observer = new MutationObserver(update);
    observer.observe(document.body, { childList: true, subtree: true });
    update();
    return () => observer.disconnect();
  }, []);
  return (
    <Provider store={locustStore}>
      <Themed>{mounts.map((mount) => createPortal(<ShapeFields />, mount, mount.getAttribute(MOUNT_ATTRIBUTE)))}</Themed>
    </Provider>
  );
}
