// The `--web-login` page: the newest Locust's Auth page (locust/webui/src/pages/Auth.tsx; locust-ui
// does not export it) from `window.authArgs`, which the master writes as Locust's auth.html does.
import { createRoot } from 'react-dom/client';
import { Alert, Box, Button, CssBaseline, IconButton, TextField, Typography } from '@mui/material';
import { ThemeProvider, createTheme } from '@mui/material/styles';
import { Logo } from 'locust-ui';

const camelCase = (key) => key.replace(/_([a-z0-9])/g, (_, c) => c.toUpperCase());
const camelize = (value) =>
  Array.isArray(value)
    ? value.map(camelize)
    : value && typeof value === 'object'
      ? Object.fromEntries(Object.entries(value).map(([k, v]) => [camelCase(k), camelize(v)]))
      : value;

const { authProviders, error, info, usernamePasswordCallback } = camelize(window.authArgs ?? {});
const dark = window.matchMedia?.('(prefers-color-scheme: dark)').matches;

function Auth() {
  return (
    <ThemeProvider theme={createTheme({ palette: { mode: dark ? 'dark' : 'light' } })}>
      <CssBaseline />
      <Box
        component='main'
        sx={{
          position: 'absolute', top: '50%', left: '50%', transform: 'translate(-50%, -50%)', display: 'flex',
          flexDirection: 'column', rowGap: 4, boxShadow: 24, borderRadius: 4, width: 400, border: '3px solid black', p: 4,
        }}
      >
        <Box sx={{ display: 'flex', justifyContent: 'center', columnGap: 2 }}>
          <Logo />
        </Box>
        {usernamePasswordCallback && (
          <form action={usernamePasswordCallback} method='POST'>
            <Box sx={{ display: 'flex', flexDirection: 'column', rowGap: 2 }}>
              <TextField label='Username' name='username' />
              <TextField label='Password' name='password' type='password' />
              {info && <Alert severity='info'>{info}</Alert>}
              {error && <Alert severity='error'>{error}</Alert>}
              <Button size='large' type='submit' variant='contained'>
                Login
              </Button>
            </Box>
          </form>
        )}
        {authProviders && (
          <Box sx={{ display: 'flex', flexDirection: 'column', rowGap: 1 }}>
            {authProviders.map(({ label, callbackUrl, iconUrl }) => (
              <IconButton href={callbackUrl} key={callbackUrl} sx={{ display: 'flex', columnGap: 2, borderRadius: 2, border: '1px solid' }}>
                <img height='32' src={iconUrl} />
                <Typography variant='button'>{label}</Typography>
              </IconButton>
            ))}
          </Box>
        )}
      </Box>
    </ThemeProvider>
  );
}

createRoot(document.getElementById('root')).render(<Auth />);
