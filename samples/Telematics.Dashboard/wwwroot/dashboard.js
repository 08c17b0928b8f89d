// Browser storage for the dashboard: the bearer token lives in sessionStorage (this tab only, gone when it closes),
// the theme choice in localStorage (kept across visits).
window.telematicsDashboard = {
  loadToken: () => sessionStorage.getItem('telematics.token'),
  saveToken: token => token ? sessionStorage.setItem('telematics.token', token) : sessionStorage.removeItem('telematics.token'),
  loadTheme: () => localStorage.getItem('telematics.theme'),
  saveTheme: theme => localStorage.setItem('telematics.theme', theme),
};
