" heaplint for ALE (https://github.com/dense-analysis/ale), Debian package vim-ale.
"
" Two linters: `heaplint` runs `heaplint check --output-format json` on the buffer (sent on stdin, named
" with --stdin-filename so pyproject.toml settings and per-file ignores apply), and `heaplint_lsp` talks to
" `heaplint server`. Enable one: let g:ale_linters = {'python': ['heaplint']}
" Options: g:ale_python_heaplint_executable (default 'heaplint'), g:ale_python_heaplint_options.

call ale#Set('python_heaplint_executable', 'heaplint')
call ale#Set('python_heaplint_options', '')

function! ale_linters#python#heaplint#GetExecutable(buffer) abort
    return ale#Var(a:buffer, 'python_heaplint_executable')
endfunction

function! ale_linters#python#heaplint#GetCommand(buffer) abort
    return '%e check --output-format json'
    \   . ale#Pad(ale#Var(a:buffer, 'python_heaplint_options'))
    \   . ' --stdin-filename %s -'
endfunction

" heaplint columns count Unicode scalars from 1; Vim columns count bytes. Convert on the buffer's line.
function! s:ByteColumn(buffer, lnum, scalar_column) abort
    let l:line = get(getbufline(a:buffer, a:lnum), 0, '')
    let l:byte = byteidx(l:line, a:scalar_column - 1)

    return l:byte < 0 ? len(l:line) + 1 : l:byte + 1
endfunction

function! ale_linters#python#heaplint#Handle(buffer, lines) abort
    let l:text = join(a:lines, "\n")

    if l:text !~# '^\s*\['
        " Not a JSON list: a usage or configuration error (exit 2). Show it on line 1, not silently.
        return empty(trim(l:text)) ? [] : [{'lnum': 1, 'col': 1, 'type': 'E',
        \   'text': 'heaplint: ' . trim(get(a:lines, 0, ''))}]
    endif

    let l:output = []

    for l:item in json_decode(l:text)
        let l:start = l:item.location
        let l:end = l:item.end_location
        let l:entry = {
        \   'lnum': l:start.row,
        \   'col': s:ByteColumn(a:buffer, l:start.row, l:start.column),
        \   'end_lnum': l:end.row,
        \   'code': l:item.code,
        \   'text': l:item.message,
        \   'type': get({'error': 'E', 'warning': 'W', 'info': 'I'}, get(l:item, 'severity', ''), 'W'),
        \}
        " ALE's end_col is inclusive; heaplint's end column is exclusive.
        let l:end_byte = s:ByteColumn(a:buffer, l:end.row, l:end.column) - 1

        if l:end_byte >= 1 && (l:end.row > l:start.row || l:end_byte >= l:entry.col)
            let l:entry.end_col = l:end_byte
        endif

        let l:detail = [l:item.code . ': ' . l:item.message]
        let l:explanation = get(l:item, 'explanation', v:null)

        if type(l:explanation) is v:t_dict
            for l:step in get(l:explanation, 'path', [])
                call add(l:detail, '  ' . l:step.from . ' --' . l:step.via . '--> ' . l:step.to)
            endfor

            if !empty(get(l:explanation, 'remedy', ''))
                call add(l:detail, 'help: ' . l:explanation.remedy)
            endif
        endif

        if type(get(l:item, 'url', v:null)) is v:t_string
            call add(l:detail, l:item.url)
        endif

        let l:entry.detail = join(l:detail, "\n")
        call add(l:output, l:entry)
    endfor

    return l:output
endfunction

call ale#linter#Define('python', {
\   'name': 'heaplint',
\   'executable': function('ale_linters#python#heaplint#GetExecutable'),
\   'command': function('ale_linters#python#heaplint#GetCommand'),
\   'callback': 'ale_linters#python#heaplint#Handle',
\   'output_stream': 'stdout',
\   'read_buffer': 1,
\})

call ale#linter#Define('python', {
\   'name': 'heaplint_lsp',
\   'lsp': 'stdio',
\   'executable': function('ale_linters#python#heaplint#GetExecutable'),
\   'command': '%e server',
\   'project_root': {buffer -> ale#python#FindProjectRoot(buffer)},
\})
