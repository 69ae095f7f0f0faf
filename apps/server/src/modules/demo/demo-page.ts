/** The sample website of demo mode: a small shop with the widget embedded as a customer would. */
export function demoPage(widgetKey: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Velo — bikes for every road</title>
<style>
  body { margin: 0; font-family: Georgia, serif; color: #1f2933; background: #fbf7f0; }
  header { padding: 24px 40px; display: flex; justify-content: space-between; align-items: center; border-bottom: 1px solid #e4dccf; }
  header a { color: inherit; margin-left: 20px; text-decoration: none; }
  main { max-width: 880px; margin: 0 auto; padding: 48px 24px; }
  h1 { font-size: 44px; margin: 0 0 12px; }
  .grid { display: grid; grid-template-columns: repeat(auto-fit, minmax(220px, 1fr)); gap: 20px; margin-top: 32px; }
  .card { background: white; border: 1px solid #e4dccf; border-radius: 12px; padding: 20px; }
  .price { font-weight: bold; color: #0b7a5a; }
  footer { text-align: center; color: #7b8794; padding: 32px; font-size: 14px; }
</style>
</head>
<body>
<header><strong>Velo</strong><nav><a href="/demo">Shop</a><a href="/demo?page=support">Support</a></nav></header>
<main>
  <h1>Bikes for every road</h1>
  <p>This is Parley's demo website. Open the chat bubble in the corner and write to the team; answer
  yourself from the console at <a href="/">/</a> in another tab.</p>
  <div class="grid">
    <div class="card"><h2>City Cruiser</h2><p>Upright, comfy, with a basket.</p><p class="price">€ 549</p></div>
    <div class="card"><h2>Gravel One</h2><p>Fast on asphalt, calm on dirt.</p><p class="price">€ 1,290</p></div>
    <div class="card"><h2>Kids 20"</h2><p>Light frame for growing riders.</p><p class="price">€ 329</p></div>
  </div>
</main>
<footer>Velo is a fictional shop. Chat powered by Parley.</footer>
<script src="/widget.js" data-workspace="${widgetKey.replace(/[^A-Za-z0-9_-]/g, '')}" async></script>
</body>
</html>`;
}
