// Where the server is. A released mini-program may reach only https domains
// registered for it; in WeChat DevTools (urlCheck off) the sign-in page lets
// one type a loopback address such as http://127.0.0.1:8080.
module.exports = {
  apiBase: 'https://weige.example.com',
};
