@echo off
rem kohyo launcher: double-click to run. Saved as UTF-8 (no BOM) with CRLF line ends.
chcp 65001 > nul
setlocal
rem ---- 計と総括表を更新します (kohyo refresh)
cd /d "%~dp0.."
set "KOHYO=%CD%\.venv\Scripts\kohyo.exe"
if not exist "%KOHYO%" call :setup
if not exist "%KOHYO%" goto :end
echo.
echo ==== マスターの「計」と「総括表」を更新します（kohyo refresh） ====
echo.
"%KOHYO%" refresh
set "RC=%ERRORLEVEL%"
echo.
if "%RC%"=="0" echo [完了] 更新しました（変更がなければ何もしていません）。上の表示で、直った「計」と「総括表」を確かめてください。更新前のマスターの控えの場所も上に表示しています。
if "%RC%"=="1" echo [エラーあり] マスターにエラーがあるため、何も書き込んでいません。上の一覧のシートとセルを Excel で直して保存し、もう一度ダブルクリックしてください（kohyo_validate.bat で一覧を Excel で開けます）。
if not "%RC%"=="0" if not "%RC%"=="1" echo [実行できませんでした] 上の「エラー:」を読んでください。Excel でマスターを開いている場合は、閉じてからもう一度ダブルクリックするか、開いたまま kohyo_refresh_live.bat を使ってください。
goto :end

:setup
echo.
echo kohyo を動かす準備（.venv フォルダー）がまだできていません。
echo   場所: %CD%\.venv
echo 準備の手順（コマンド プロンプトで、このフォルダーで実行します）:
echo   py -m venv .venv
echo   .venv\Scripts\python.exe -m pip install -e .
echo.
choice /C YN /M "今すぐ準備しますか（インターネットへの接続が必要です）"
if errorlevel 2 goto :setup_skip
where py > nul 2>&1
if errorlevel 1 goto :setup_nopy
py -m venv .venv
if errorlevel 1 goto :setup_failed
".venv\Scripts\python.exe" -m pip install -e .
if errorlevel 1 goto :setup_failed
echo 準備ができました。
exit /b 0
:setup_nopy
echo Python が見つかりません。情報システム担当に Python 3.11 以降のインストールを依頼してください。
exit /b 1
:setup_failed
echo 準備に失敗しました。上のメッセージを情報システム担当に見せてください。
exit /b 1
:setup_skip
echo 準備をしないで終わります。docs\staff-guide.md の「はじめての準備」を見てください。
exit /b 1

:end
echo.
pause
endlocal
