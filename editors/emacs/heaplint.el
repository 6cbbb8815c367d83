;;; heaplint.el --- heaplint's language server for Eglot and lsp-mode  -*- lexical-binding: t; -*-

;; heaplint finds memory problems in Python code (reference cycles, finalizers in cycles, large lists
;; built to be consumed once, process-lifetime caches) and explains them from a model of CPython's heap.
;; This file registers `heaplint server' (LSP over stdio) with whichever client is loaded.
;;
;; Usage (init.el):
;;   (add-to-list 'load-path "/path/to/heaplint/editors/emacs")
;;   (require 'heaplint)
;;   (add-hook 'python-mode-hook #'eglot-ensure)      ; or #'lsp-deferred with lsp-mode
;;
;; Eglot runs one server per major mode; registering heaplint replaces pyright/pylsp for Python buffers.
;; To keep another Python server, start heaplint in Flymake only through your own setup (see README.md).

;;; Code:

(defgroup heaplint nil
  "heaplint language server."
  :group 'tools
  :prefix "heaplint-")

(defcustom heaplint-executable "heaplint"
  "The heaplint binary (the pip-installed one, or a path to a build)."
  :type 'string)

(defun heaplint--server-command (&rest _)
  "The command that starts heaplint's language server."
  (list heaplint-executable "server"))

(with-eval-after-load 'eglot
  (add-to-list 'eglot-server-programs
               `((python-mode python-ts-mode) . heaplint--server-command)))

(with-eval-after-load 'lsp-mode
  (when (fboundp 'lsp-register-client)
    (add-to-list 'lsp-language-id-configuration '(python-mode . "python"))
    (lsp-register-client
     (make-lsp-client
      :new-connection (lsp-stdio-connection #'heaplint--server-command)
      :activation-fn (lsp-activate-on "python")
      :server-id 'heaplint
      ;; add-on: runs beside pyright/pylsp instead of replacing them.
      :add-on? t
      :priority -1))))

(provide 'heaplint)
;;; heaplint.el ends here
