using Telematics.Api.Hosting;

var builder = WebApplication.CreateBuilder(args);
builder.AddTelematicsApi();

var app = builder.Build();
app.UseTelematicsApi();
app.Run();
