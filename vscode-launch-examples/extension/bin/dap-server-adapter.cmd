@echo off
if defined DAP_SERVER (%DAP_SERVER% %*) else (dap-server %*)
